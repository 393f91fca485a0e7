"""The printed itinerary: a PDF with Japanese addresses for a taxi driver and a QR code back to the view
(`itinerary`), set in an embedded Japanese font (`fonts`)."""
