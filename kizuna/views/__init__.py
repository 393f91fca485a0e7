"""What the dashboard draws from a filtered program, with no Streamlit in it: the map (`maps`, over `basemap`),
the timeline (`timeline`), the day-by-day agenda (`agenda`), the driver card (`driver`) and the share link that
reopens a view (`share`)."""
