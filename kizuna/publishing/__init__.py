"""Where checked programs are kept and found: versions in SQLite or PostgreSQL (`store`), the programs a server
shows, directory and store together (`programs`, `published`), an organiser's upload from check to stored version
(`uploads`) and who may publish (`auth`)."""
