# Addresses of earlier releases (construct-path names) moved to the current ones.
moved {
  from = aws_kms_alias.key_alias
  to   = aws_kms_alias.this
}

moved {
  from = aws_kms_key.key
  to   = aws_kms_key.this
}

