"""E-mail delivery of each employee's own results: messages, the send ledger, the SMTP loop."""
