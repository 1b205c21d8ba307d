"""The yearly cycle: starting the next plan year, and publishing (freezing) one."""
