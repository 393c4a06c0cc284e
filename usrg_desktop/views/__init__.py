"""Qt screens of USRG Desktop: the main window, list pages and the table model behind them."""
