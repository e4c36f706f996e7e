-- Sends CS_WRK_METHOD (default POST) with CS_WRK_BODY as a JSON body on every request.
wrk.method = os.getenv("CS_WRK_METHOD") or "POST"
wrk.body = os.getenv("CS_WRK_BODY") or ""
wrk.headers["Content-Type"] = "application/json"
