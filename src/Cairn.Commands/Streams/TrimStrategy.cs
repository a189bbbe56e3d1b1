namespace Cairn.Commands.Streams;

/// <summary>How XADD/XTRIM trim a stream.</summary>
internal enum TrimStrategy
{
    None = 0,
    MaxLength = 1,
    MinimumId = 2,
}
