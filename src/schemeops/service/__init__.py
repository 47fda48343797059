"""Use cases shared by the web app, the API and the CLI; each owns its transaction."""
