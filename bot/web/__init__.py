"""Web front ends served by the app besides the skill webhook."""
