# Addresses of earlier releases (construct-path names) moved to the current ones.
moved {
  from = aws_sagemaker_domain.studio_domain
  to   = aws_sagemaker_domain.this
}

