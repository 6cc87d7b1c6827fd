"""Zhijian (智监): the integrated smart market-supervision platform."""
