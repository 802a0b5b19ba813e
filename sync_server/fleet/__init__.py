"""The fleet's pure logic, with "now" passed in: alerts and their history, the Prometheus
exposition and the dashboard's charts. No web, no SQL: `services/fleet.py` reads the data,
`web/fleet.py` shows it."""
