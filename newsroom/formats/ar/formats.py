# Django's ar locale has no DATETIME_FORMAT and falls back to «ديسمبر 11, 2024»;
# Arabic newsrooms write the day first: «11 ديسمبر 2024».
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، g:i A"
TIME_FORMAT = "g:i A"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y g:i A"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
FIRST_DAY_OF_WEEK = 6

# Typed dates are read day first, as the newsroom writes them: «06/12/2026» is 6 December.
# Django's global default reads «%m/%d/%Y» first, which turned a scheduled story into one
# public at once. ISO «2026-12-06» is accepted too; a month-first or two-digit-year date
# matches none of these and is refused. The first entry is what the admin's picker writes.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M")
]
