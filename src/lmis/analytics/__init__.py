"""Labour market indicators, disclosure control, forecasts and programme evaluation."""
