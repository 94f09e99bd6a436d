print("emkit")
