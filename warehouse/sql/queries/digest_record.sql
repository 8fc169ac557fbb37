-- Remember a digest the SMTP server accepted; sending it again (forced)
-- replaces the record of that week and recipient list.
INSERT INTO digests (week, list_key, recipients, subject, sent_at, message_id)
VALUES ($week, $list_key, $recipients, $subject, $sent_at, $message_id)
ON CONFLICT (week, list_key) DO UPDATE SET
    recipients = excluded.recipients,
    subject = excluded.subject,
    sent_at = excluded.sent_at,
    message_id = excluded.message_id;
