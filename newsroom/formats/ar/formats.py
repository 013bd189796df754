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
