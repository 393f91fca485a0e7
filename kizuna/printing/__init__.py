"""The printed itinerary: a PDF with Japanese addresses for a taxi driver and a QR code back to the view
(`itinerary`), in the reader's language and set in an embedded font that has its script (`fonts`)."""
