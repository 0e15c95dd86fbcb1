/* Test-only shim for Wine 8.0, which lacks bcryptprimitives.dll: Rust's std (>= 1.78) and
 * getrandom import ProcessPrng from it, so every Rust .exe dies at load without it.
 * Forwards to RtlGenRandom (advapi32's SystemFunction036). Installed only into the test Wine
 * prefix by scripts/windows; real Windows (8.1 and later) has the DLL. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
