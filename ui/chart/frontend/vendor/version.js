// Written by ui/chart/refresh.py: the vendored plotly.js version.
window.PLOTLY_VERSION = "3.7.0";
