print("gradcam")
