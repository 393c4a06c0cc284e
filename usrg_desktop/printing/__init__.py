"""Printed documents with ReportLab: shared styles and page templates, letters, amounts in words.

Pure: plain data in, PDF bytes out; nothing here reads the database or imports Qt.
"""
