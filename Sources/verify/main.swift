import Foundation

exit(VerifyTool.main().rawValue)
