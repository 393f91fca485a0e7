"""From files to a checked program: a folder of CSV or an Excel workbook is read into tables (`sources`), in a
bounded worker when the file is untrusted (`sandbox`), then every cell is checked and every problem located as the
organiser's own file shows it (`loading`). `workbook` writes the organisers' template and converts between forms."""
