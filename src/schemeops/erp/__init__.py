"""Exports the ERP and the tax rules accept: GST e-invoice credit notes, GSTR-1 CDN rows, TDS
under s.194R, Tally vouchers and a flat journal. Pure functions over frozen notes; the
service and CLI read the store, the warehouse and the settings files around them."""
