// The 2-D bundle: plotly.js's core (scatter, axes, legend, sliders, buttons, modebar,
// annotations, shapes, images) and the heatmap trace, nothing else the app never draws.
// ui/chart/payload.py refuses a 2-D figure with another trace type (TWO_D_TRACES).
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/heatmap")]);

module.exports = Plotly;
