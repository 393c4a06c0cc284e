"""USRG Desktop: the Urban Safety Reference Group's innovation fund and quarterly meetings."""

__version__ = "0.2.0"
APP_NAME = "USRG Desktop"
ORG_NAME = "South African Cities Network"
