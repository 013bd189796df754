DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i A"
TIME_FORMAT = "g:i A"

# The newsroom reads typed dates day first in English too (Django's English formats put
# «%m/%d/%Y» second): one story, one date, whichever language the form is in.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M")
]
