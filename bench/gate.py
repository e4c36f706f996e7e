"""A TCP forwarder on a fixed loopback port that can be taken down and brought back.

bench/soak puts it between the service and one provider of the fake upstream: while it is down
nothing listens on its port, so the service's connects are refused (the "connection refused"
fault), and the connections it had open are cut.
"""
import socket
import threading


class Gate:
    def __init__(self, target_port):
        self.target_port = target_port
        self.lock = threading.Lock()
        self.listener = None
        self.conns = set()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.up()

    def up(self):
        with self.lock:
            if self.listener:
                return
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", self.port))
            s.listen(128)
            self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def down(self):
        """Refuse new connections and cut the open ones."""
        with self.lock:
            s, self.listener = self.listener, None
            conns, self.conns = self.conns, set()
        if s:
            _close(s)  # shutdown() wakes the thread blocked in accept(); close() alone does not
        for c in conns:
            _close(c)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                if self.listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self.conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        with self.lock:
            self.conns.discard(src)
            self.conns.discard(dst)
        _close(src)
        _close(dst)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
