"""The weekly digest: one ISO week read from the warehouse, written as an email
with charts (HTML and plain text), previewed as files and sent by SMTP at most
once per week and recipient list. It only reads the warehouse, apart from the
log of digests sent."""
