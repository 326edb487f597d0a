"""Teaching content shared by pages and tests: presets and what each one should show."""
