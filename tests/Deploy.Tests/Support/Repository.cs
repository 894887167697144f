namespace IotSquares.Deploy.Tests.Support;

/// <summary>Where the repository is: the tests run publish.ps1 from it, as a user would.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PublishScript => Path.Combine(Root, "publish.ps1");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IotSquares.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no IotSquares.sln above {AppContext.BaseDirectory}");
    }
}
