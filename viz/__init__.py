"""Pure Plotly figure builders and exports: trajectories in, figures and bytes out."""
