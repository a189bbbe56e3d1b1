namespace Cairn.Documents.Operations.Arguments;

/// <summary>Commands of the form NAME key [path]: DEL, FORGET, TYPE, STRLEN, ARRLEN, OBJKEYS, OBJLEN, RESP, CLEAR, TOGGLE, DEBUG MEMORY.
/// Path is null when omitted (each operation applies RedisJSON's default).</summary>
public sealed record JsonKeyPathArguments(byte[] Key, string? Path);
