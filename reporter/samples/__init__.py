"""Example data: the seed's KPI library and the synthetic group of ``reporter demo-data``."""
