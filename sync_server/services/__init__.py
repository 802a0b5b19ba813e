"""The service layer: every change to the data goes through these functions, whoever asks
(the bench API, the web pages, the command line), so rules and the audit trail hold. SQL lives
here and in ``db.py`` only."""
