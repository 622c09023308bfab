"""Keep input text from being read as a formula by a spreadsheet program."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(text: str) -> str:
    """Text for a CSV cell: a leading quote stops Excel/WPS from running '=HYPERLINK(...)'."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
