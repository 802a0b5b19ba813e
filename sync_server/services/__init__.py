"""The service layer: every change to the data goes through these functions, whoever asks
(the bench API, the command line, later the moderation UI), so rules and the audit trail hold."""
