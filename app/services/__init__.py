"""Every state change happens here, once, with its audit record in the same transaction.

Routes and CLI commands call these functions; they never change the database themselves.
"""
