# Addresses of earlier releases (construct-path names) moved to the current ones.
