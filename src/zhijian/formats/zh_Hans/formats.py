"""Number formats of the interface, over Django's zh_Hans defaults (which group by four digits with no
separator): figures show thousands separators every three digits, as statistical tables do
(12,345 户; GB/T 15835-2011 groups digits in threes). Anything not set here is Django's."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
