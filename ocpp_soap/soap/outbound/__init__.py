"""The central system calling stations: one zeep client per version, built from our charge-point WSDL, that writes
a station request as the version's wire request and reads the answer into the request's typed answer."""
