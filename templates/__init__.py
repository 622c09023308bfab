"""Document templates and the print stylesheet, shipped inside the wheel as ``reporter.templates``."""
