"""The audit log: who changed which row, when, through which channel, before and after."""
