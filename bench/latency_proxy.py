"""A TCP proxy that can add latency: bench/faults.py's "slow database".

    python bench/latency_proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT DELAY_FILE

Every chunk passed in either direction waits the milliseconds written in DELAY_FILE
(read at most once a second; absent or empty means none), so each query's round trip
to PostgreSQL gets slower for every process behind the proxy, as on a loaded or
distant database server.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path


class Delay:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.value = 0.0
        self.read_at = 0.0

    def seconds(self) -> float:
        now = time.monotonic()
        if now - self.read_at > 1.0:
            self.read_at = now
            try:
                self.value = float(self.path.read_text().strip() or 0) / 1000
            except (OSError, ValueError):
                self.value = 0.0
        return self.value


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: Delay) -> None:
    try:
        while data := await reader.read(65536):
            if wait := delay.seconds():
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(port: int, target: str, delay_file: Path) -> None:
    host, _, target_port = target.rpartition(":")
    delay = Delay(delay_file)

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(target_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay)
        )

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))
