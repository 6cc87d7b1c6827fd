"""Prospective outbreak detectors (预警分析): pure numpy, many series at once, no Django.

``ears`` (EARS C1/C2/C3), ``farrington`` (Farrington 1996 and Noufaily 2013), ``cusum``,
``rates`` (beta-binomial test of failure rates), ``rules`` (banned substance, one producer failing
in two districts), ``runner`` (the series-file command), ``simulation`` (Noufaily's design).
"""
