"""The HTML pages: views, the queries behind them, the page model and its text in two languages."""
