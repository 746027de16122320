"""The homs-kg application: its settings and command line (the HTTP layer comes with issue 3)."""
