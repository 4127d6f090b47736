"""Instagram: the official API connection, Meta's callbacks, the data-download reader and a
local stand-in for the API."""
