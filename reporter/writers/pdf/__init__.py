"""PDF outputs: review letters and agreements typeset by WeasyPrint, and duplex print batches."""
