"""Web pages of the onboarding flow and the review console (thin: forms, one service each)."""
