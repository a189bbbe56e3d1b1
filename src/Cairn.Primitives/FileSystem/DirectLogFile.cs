using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Primitives.FileSystem;

/// <summary>
/// An append-only log written with O_DIRECT: the bytes go from an aligned buffer of ours to the device, not through the
/// page cache. Buffered, the kernel's copy into the page cache was the largest cost of an AOF write: in process, SET with
/// the AOF on spent 140 ns a command in <c>copy_folio_from_iter_atomic</c> (about 0.7 GB/s: fresh page-cache pages on this
/// virtual machine), against 350 ns for the whole SET without the AOF (bench/README.md, AOF, session 11).
/// O_DIRECT wants the buffer, the file offset and the length aligned to the device's block, so every write starts at a
/// 4 KiB boundary and ends on one: <see cref="Flush"/> writes the buffered bytes zero-padded to the boundary and keeps the
/// last partial block at the start of the buffer, to be written again, completed, by the next flush. Between flushes, and
/// after a crash, the file can therefore end in up to 4095 zero bytes of padding; <see cref="Dispose"/> truncates them.
/// If the first write is refused (a file system that accepts O_DIRECT at open but not the write), the file falls back to
/// the page cache with the same layout.
/// Thread safety: one writer; <see cref="SyncFlushed"/> may run concurrently (IWritableFile's contract).
/// </summary>
internal sealed partial class DirectLogFile : IWritableFile
{
    private const int Block = 4096;
    private const int BufferBytes = 1 << 20;
    private const int EINVAL = 22;
    private const int EINTR = 4;

    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly int _directFlag;
    private readonly unsafe byte* _buffer;

    /// <summary>The file offset of the buffer's first byte (a multiple of <see cref="Block"/>).</summary>
    private long _bufferOffset;

    /// <summary>Bytes in the buffer: an already written partial block, then anything appended since.</summary>
    private int _buffered;

    /// <summary>Something was appended since the last flush.</summary>
    private bool _unflushed;
    private long _length;
    private bool _disposed;

    private unsafe DirectLogFile(int fd, int directFlag)
    {
        _fd = fd;
        _directFlag = directFlag;
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        _buffer = (byte*)NativeMemory.AlignedAlloc((nuint)BufferBytes, Block);
    }

    /// <summary>The file, created or truncated; null where O_DIRECT is unknown (not Linux x64/arm64) or refused at open.</summary>
    public static DirectLogFile? TryCreate(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        int direct = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 0x4000,
            Architecture.Arm64 => 0x10000,
            _ => 0,
        };
        if (direct == 0)
        {
            return null;
        }
        const int WriteOnly = 0x1, Create = 0x40, Truncate = 0x200, CloseOnExec = 0x80000;
        int fd = Open(path, WriteOnly | Create | Truncate | CloseOnExec | direct, 0b110_100_100);
        if (fd >= 0)
        {
            return new DirectLogFile(fd, direct);
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno == EINVAL)
        {
            return null; // tmpfs and some others refuse O_DIRECT
        }
        throw new IOException($"open({path}) failed: errno {errno}");
    }

    public long Length => _length;

    public unsafe void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!data.IsEmpty)
        {
            if (_buffered == BufferBytes)
            {
                Flush();
            }
            int n = Math.Min(data.Length, BufferBytes - _buffered);
            data[..n].CopyTo(new Span<byte>(_buffer + _buffered, n));
            _buffered += n;
            _length += n;
            _unflushed = true;
            data = data[n..];
        }
    }

    public unsafe void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_unflushed)
        {
            return;
        }
        int padded = (_buffered + Block - 1) & ~(Block - 1);
        new Span<byte>(_buffer + _buffered, padded - _buffered).Clear();
        WriteFully(padded);
        _unflushed = false;
        // Keep the last partial block: the next flush writes it again with what follows it.
        int keep = _buffered & ~(Block - 1);
        if (keep > 0)
        {
            int tail = _buffered - keep;
            new Span<byte>(_buffer + keep, tail).CopyTo(new Span<byte>(_buffer, tail));
            _bufferOffset += keep;
            _buffered = tail;
        }
    }

    private unsafe void WriteFully(int count)
    {
        int done = 0;
        while (done < count)
        {
            long written = PWrite(_fd, _buffer + done, count - done, _bufferOffset + done);
            if (written >= 0)
            {
                done += (int)written;
                continue;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
            {
                continue;
            }
            if (errno == EINVAL && done == 0 && _length <= BufferBytes && DropDirect())
            {
                continue; // O_DIRECT accepted at open, refused at write: the page cache it is
            }
            throw new IOException($"pwrite of {count - done} bytes at {_bufferOffset + done} failed: errno {errno}");
        }
    }

    private bool DropDirect()
    {
        const int GetFlags = 3, SetFlags = 4;
        int flags = Fcntl(_fd, GetFlags, 0);
        return flags >= 0 && (flags & _directFlag) != 0 && Fcntl(_fd, SetFlags, flags & ~_directFlag) == 0;
    }

    public void Sync()
    {
        Flush();
        SyncFlushed();
    }

    public void SyncFlushed() => PhysicalFileSystem.SyncData(_handle);

    public unsafe void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            Flush();
            _ = FTruncate(_fd, _length); // drop the padding; a crash before this leaves it, which readers accept
        }
        finally
        {
            _disposed = true;
            _handle.Dispose();
            NativeMemory.AlignedFree(_buffer);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
